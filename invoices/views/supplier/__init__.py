"""Factures émises (the supplier side), one module per family of screens."""
