"""The only Streamlit-importing code: the cached store handle (`state`), the pages' cached
loaders (`loaders`, `planning`), shared widgets (`widgets`), practice actions (`practices`),
report files (`reports`), sign-in (`signin`), presentation mode and page style."""
