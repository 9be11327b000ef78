"""A randomised trial of a graduation package emulated in the simulated 2025 (issue 13)."""
