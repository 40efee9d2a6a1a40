"""gzip for the responses Gradio sends uncompressed.

Gradio compresses (Brotli, gzip as a fallback) only paths that end in a text file's extension —
`.js`, `.css`, `.json`… — so the page itself goes out as it is: its HTML carries the whole app's
configuration (every component and event of the four tabs: about 650 KB here, under 60 KB
gzipped), sent again on every visit and reload, over a Space's proxy or a share link's tunnel.
`PageCompression` gzips the responses of the paths Gradio leaves alone (`/`, `/config`, the REST
routes' JSON) when the browser accepts gzip. Starlette's GZip middleware does the work: it leaves
event streams (Gradio's queue streams every answer as one) and responses already encoded as they
are, so nothing is compressed twice and streaming is untouched.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

MINIMUM_SIZE = 1024  # smaller bodies gain too little to pay for the header and the work
LEVEL = 6  # zlib's default: nearly level 9's size in a third of the time (the page is built per visit)


def handled_by_gradio(path: str) -> bool:
    """Whether Gradio's own middleware decides on compressing this path: any with a '.' in it
    (`gradio.brotli_middleware`, which reads the part after the last '.' as a file extension)."""
    return "." in path


class PageCompression:
    """ASGI middleware: gzip (see the module's docstring) for the paths `handled_by_gradio` is
    False for."""

    def __init__(self, app: ASGIApp, minimum_size: int = MINIMUM_SIZE, level: int = LEVEL) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=level)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not handled_by_gradio(scope.get("path", "")):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
