"""Charts as PNG files, rendered by kaleido in one shared headless Chromium."""

from __future__ import annotations

import threading
import warnings
from functools import cache

import plotly.graph_objects as go

__all__ = ["PNG_MISSING", "png_available", "to_png"]

PNG_MISSING = (
    "PNG export needs Chromium on the server; use the camera icon on the chart to save it."
)
PNG_WIDTH = 1200
PNG_SCALE = 2
# kaleido's shared server answers one call at a time: sessions take turns.
_lock = threading.Lock()


@cache
def png_available() -> bool:
    """True when kaleido can find a Chromium to render with."""
    try:
        from choreographer.browsers.chromium import Chromium

        return Chromium.find_browser(skip_local=False) is not None
    except Exception:
        return False


def to_png(fig: go.Figure, width: int = PNG_WIDTH) -> bytes:
    """The figure as a PNG, at twice screen resolution, from the shared kaleido server."""
    import kaleido

    with _lock:
        kaleido.start_sync_server(silence_warnings=True)
        with warnings.catch_warnings():
            # plotly passes its defaults along even when the shared server ignores them.
            warnings.simplefilter("ignore", UserWarning)
            return fig.to_image(
                format="png", width=width, height=fig.layout.height or 450, scale=PNG_SCALE
            )
