"""Configuration from environment variables (and a local .env file)."""

from functools import lru_cache

from app.platform.settings import PlatformSettings


class Settings(PlatformSettings):
    """Your settings, beside the ones the platform reads (app/platform/settings.py). A field
    `feature_flag: bool = False` here is read from FEATURE_FLAG, or from .env."""


@lru_cache
def get_settings() -> Settings:
    return Settings.from_environment()
