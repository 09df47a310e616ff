"""The respondent's pages need no login and belong to no organisation page: outside the access matrix.
Their own tests: tests/surveys/test_respond*.py and test_unlinkability.py."""

NOT_SCOPED = {"respond", "respond_open", "respond_copy"}
