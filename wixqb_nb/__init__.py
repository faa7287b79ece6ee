"""wixqb-nb: sync a Wix site's sales into QuickBooks Online and prove, to the cent, that the books match."""

__version__ = "0.1.0"

__all__ = ["__version__"]
