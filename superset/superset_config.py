"""Superset configuration for the lakehouse, the same file locally and in the cluster.

Secrets and endpoints come from the environment; nothing secret is in the repository.
"""
import os

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
# Metadata (users, dashboards, charts) lives in PostgreSQL, never in SQLite.
SQLALCHEMY_DATABASE_URI = os.environ["SUPERSET_DATABASE_URI"]

# Dashboards read gold through Trino only; no file uploads, no example data.
CSV_EXTENSIONS: set[str] = set()
FEATURE_FLAGS = {
    "DASHBOARD_NATIVE_FILTERS": True,
    "ENABLE_TEMPLATE_PROCESSING": False,
}
# Single-process cache is enough for one node; the cluster sets a shared cache if scaled out.
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}
DATA_CACHE_CONFIG = CACHE_CONFIG
# Behind no TLS locally; the cluster's ingress terminates TLS and sets these itself.
WTF_CSRF_ENABLED = True
TALISMAN_ENABLED = False
SQLLAB_CTAS_NO_LIMIT = True
