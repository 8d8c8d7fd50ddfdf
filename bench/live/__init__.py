"""Helpers of bench/live_dashboards.py (settings, server, load, report)."""
