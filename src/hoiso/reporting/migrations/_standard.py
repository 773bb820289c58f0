"""The standard library's rows, for the migrations after 0002 that need them (a module name
starting with a digit cannot be imported with a plain import)."""

import importlib

STANDARD = importlib.import_module("hoiso.reporting.migrations.0002_standard_indicators").STANDARD
