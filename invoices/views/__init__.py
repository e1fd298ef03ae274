"""HTTP layer of invoices: Factures émises (supplier.py) and Factures reçues (recipient.py)."""
