"""The schemas a profile's runs use: the bundled standard, plus its OpenAPI document's own."""

from __future__ import annotations

from interopcheck.profile.model import Profile
from interopcheck.standard.catalog import Catalog


def catalog_for(profile: Profile) -> Catalog:
    """The bundled standard, plus the schemas of the profile's OpenAPI document if it has one."""
    catalog = Catalog.bundled()
    if profile.api is not None and profile.api.schemas:
        catalog.add_entries(profile.api.schemas)
    return catalog
