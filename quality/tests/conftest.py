import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded documents and published reports go to a temporary folder, not the worktree's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
