"""Layout of the official annuaire export (domain §8.1); no Django import, so scripts can use it."""

STRUCTURE_COLUMNS = (
    "TypeIdentifiant",
    "Identifiant",
    "RaisonSociale",
    "EmetteurEdi",
    "RecepteurEdi",
    "GestionStatutMiseEnPaiement",
    "GestionEngagement",
    "GestionService",
    "GestionServiceEngagement",
    "EstMOA",
    "EstMOAUniquement",
    "StructureActive",
    "Adresse",
    "ComplementAdresse1",
    "ComplementAdresse2",
    "CodePostal",
    "Ville",
    "NumTelephone",
    "Courriel",
    "CodePays",
    "LibellePays",
)
SERVICE_COLUMNS = (
    "IdentifiantStructure",
    "CodeService",
    "LibelleService",
    "GestionEngagement",
    "ServiceActif",
)
# The services file may carry the structure's identifier type first, to disambiguate identifiers.
SERVICE_COLUMNS_WITH_TYPE = ("TypeIdentifiant", *SERVICE_COLUMNS)
