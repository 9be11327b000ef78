"""Calibration of the 2025 world by the simulated method of moments (issue 13)."""
