"""Tests of articles.seedfiles, one file a job of the package."""
