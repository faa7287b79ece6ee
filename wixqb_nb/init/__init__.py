"""``wixqb init``: suggest and write a configuration from a QBO company and a Wix store.

:func:`wixqb_nb.init.suggest.suggest` is the pure core (shared with the wizard);
:mod:`wixqb_nb.init.company` holds the company's reference data and dropdown rules.
"""
