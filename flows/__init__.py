"""Prefect tasks and flows, settings and the `newsetl` command line."""
