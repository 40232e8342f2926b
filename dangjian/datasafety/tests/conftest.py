import base64

import pytest

BACKUP_KEY = base64.urlsafe_b64encode(b"backup-key-for-tests-only-0123456789"[:32]).decode()
OTHER_BACKUP_KEY = base64.urlsafe_b64encode(b"another-backup-key-for-tests-9876"[:32]).decode()


@pytest.fixture
def backup_settings(settings, tmp_path):
    settings.BACKUP_ENCRYPTION_KEY = BACKUP_KEY
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings
