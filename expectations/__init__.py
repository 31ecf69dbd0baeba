"""Great Expectations suites, one per warehouse table, and the validation runner.

Import this package only where validation runs: Great Expectations takes
seconds to import.
"""
