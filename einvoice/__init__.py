"""The e-invoice formats, without Django: reading PDF, Factur-X, CII and UBL (`extraction`),
writing CII (`cii`), validating by the official artefacts (`validation`: XSD, EN 16931 or Factur-X
rules by the document's profile, BR-FR rules of the French reform, each layer fatal or a warning
as the caller says). `invoices` and `deposits` call it; it imports none of the portal's apps, and
its messages are plain French text that the Django layer shows as they are (the rule id kept)."""
