"""QuickBooks Online side of the embedded sandbox (mounted under ``/qbo``)."""
