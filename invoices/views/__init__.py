"""HTTP layer of invoices: Factures émises (supplier/, one module per family of screens) and Factures
reçues (recipient.py); the routes are in invoices/urls.py."""
