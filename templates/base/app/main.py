"""The FastAPI app, `app.main:app`: uvicorn serves it in the image, `fastapi dev` locally."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import health
from app.client_address import FlyClientAddressMiddleware
from app.errors import install_error_handlers
from app.limits import BodySizeLimitMiddleware
from app.log import RequestIdMiddleware, configure_logging
from app.platform.wiring import install_platform, platform_lifespan
from app.settings import get_settings


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The platform's resources (a database pool, with Postgres) live as long as the app.
    # Your own start-up goes before the yield, your shutdown after it.
    async with platform_lifespan(app, get_settings()):
        yield


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = FastAPI(title=settings.app_name, lifespan=lifespan)
    install_error_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_body_bytes)
    app.add_middleware(FlyClientAddressMiddleware, on_fly=settings.fly_region is not None)
    # What the generator's options add (app/platform/wiring.py): with Postgres, its routes and
    # error handlers; with several regions too, write replay. Here, so the request id wraps them.
    install_platform(app, settings)
    # Added last, so it runs first: every line logged for a request carries its id.
    app.add_middleware(RequestIdMiddleware)
    app.include_router(health.router)
    return app


app = create_app()
