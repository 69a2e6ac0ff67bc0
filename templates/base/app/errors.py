"""How failures are answered: what a client sent wrong. (What the platform cannot do, such as
reach a database, is answered in app/platform/.)"""

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


async def validation_failed(request: Request, error: Exception) -> JSONResponse:
    """422 naming what is wrong and where, without the input: it can be megabytes, or a
    secret, and FastAPI's default answer repeats it in full."""
    assert isinstance(error, RequestValidationError)
    details = [
        {key: value for key, value in problem.items() if key in ("type", "loc", "msg")}
        for problem in error.errors()
    ]
    return JSONResponse({"detail": jsonable_encoder(details)}, status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_failed)
