"""The procedure catalogue: typed schema, data files, validation, fees and accent-insensitive search."""

from .catalogue import Catalogue, CatalogueError, load_catalogue
from .fees import FeeQuote, compute_fee
from .schema import ChannelKind, Procedure
from .search import SearchHit

__all__ = [
    "Catalogue",
    "CatalogueError",
    "ChannelKind",
    "FeeQuote",
    "Procedure",
    "SearchHit",
    "compute_fee",
    "load_catalogue",
]
