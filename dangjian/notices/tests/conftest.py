from dangjian.portal.tests.conftest import branch, li, outsider, wang  # noqa: F401 - shared people
