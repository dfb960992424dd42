"""User text shown as text: Markdown, HTML and LaTeX in a name are escaped, never rendered.

Streamlit renders Markdown (and KaTeX between dollar signs, and `:red[...]` directives) in
st.markdown, st.caption, titles, alerts, and the labels of metrics, expanders, tabs and
buttons. A partner named `![b](http://host/x.png) Gym` would make every viewer's browser fetch
that URL. Every string that came from a file or a user goes through `md()` on its way into
one of those, and every st.table through `md_table()` (st.table renders Markdown in its
cells and headers); st.dataframe shows text as it is and needs nothing.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["md", "md_table"]

# What Markdown, KaTeX ($), HTML (<, &), Streamlit's `:red[...]`/`:icon:` and autolinks
# (http://) read as syntax anywhere in a line; other marks count only at a line's start.
_SYNTAX = re.compile(r"([\\`*_\[\]<>$~|&])|:(?=[A-Za-z/])")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")


def md(value: object) -> str:
    """`value` as literal text inside Markdown: syntax escaped, line breaks as spaces."""
    text = " ".join(str(value).split())  # a line break would start a new Markdown block
    text = _SYNTAX.sub(lambda m: "\\" + (m.group(1) or ":"), text)
    # A heading, quote, list or rule marker only works at the start: escape it there.
    return _LINE_START.sub(lambda m: m.group(1) + _escape_start(m.group(2)), text)


def _escape_start(marker: str) -> str:
    return marker + "\\" if marker.isdigit() else "\\" + marker


def md_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for st.table: text cells, column names and index labels escaped with `md`."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: md(v) if isinstance(v, str) else v)
    out.columns = [md(c) if isinstance(c, str) else c for c in out.columns]
    out.index = [md(i) if isinstance(i, str) else i for i in out.index]
    out.index.name = md(frame.index.name) if isinstance(frame.index.name, str) else None
    return out
