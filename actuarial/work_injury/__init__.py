"""Grouping 003 of function 9.72.90: the work-injury provision (arbejdsskader).

The case register (`cases`, `case_register`), the valuation of running benefits and case
reserves (`valuation`), the IBNR by chain-ladder (`chainladder`, `triangle`) and the
provision's results (`provision`). docs/work-injuries.md states the method.
"""
