"""The only Streamlit-importing code: cached store handles and loaders (`state`), shared
widgets (`widgets`), practice actions (`practices`), report files (`reports`), the planning
pages' loaders (`planning`), sign-in (`signin`), presentation mode and page style."""
