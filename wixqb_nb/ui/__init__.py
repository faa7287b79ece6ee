"""ipywidgets builders over package functions (STYLE.md G12): the configuration wizard and views.

``build_wizard(...)`` is what ``notebooks/01_configure.ipynb`` calls.
"""

from wixqb_nb.ui.sources import WizardSources
from wixqb_nb.ui.wizard import Wizard, build_wizard

__all__ = ["Wizard", "WizardSources", "build_wizard"]
