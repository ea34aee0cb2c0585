"""Benchmarks of the site's key pages against a bare Wagtail page (see README.md).

Also a tiny Django app holding that bare page type, installed only by `bench.settings`.
"""
