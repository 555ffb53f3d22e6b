"""Fixtures of the import and export tests."""

import pytest


@pytest.fixture
def units(world):
    world.health_centre.hsa_id = "VC-MAJORNA"
    world.health_centre.save()
    return world


@pytest.fixture
def kansli(client, units):
    client.force_login(units.users["kansli"])
    return client
