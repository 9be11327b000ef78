"""Household mechanisms, each vectorised over all households with a scalar reference twin."""
