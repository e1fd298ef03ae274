"""The e-invoice formats, without Django: reading PDF, Factur-X, CII and UBL (`extraction`),
writing CII (`cii`), validating against the XSD and the EN 16931 / Factur-X schematrons
(`validation`). `invoices` and `deposits` call it; it imports none of the portal's apps, and its
messages are plain French text that the Django layer shows as they are (the rule id kept)."""
