"""Outcome feedback: staff say, under each step of a situation, whether it helped.

Its own app (label `feedback`): votes, the flood limits, the same-origin check that protects
the vote form, and the editors' counts and "needs attention" list in the admin.
"""
