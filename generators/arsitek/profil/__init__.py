"""The sector profiles arsitek ships, each found through the ``arsitek.profiles`` entry point.

Nothing in the core imports from here (``tests/test_architecture.py`` says so): a model switches a
profile on by importing its ontology, and :mod:`arsitek.profiles` finds it. The election profile
(:mod:`arsitek.profil.pemilu`) is the worked example of docs/profiles.md.
"""
