"""Liveness for Fly's service check. (A readiness check, where the platform has one to make,
is in app/platform/.)"""

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def liveness() -> dict[str, str]:
    """The service check in fly.toml. No I/O: an outage elsewhere must not stop traffic."""
    return {"status": "ok"}
