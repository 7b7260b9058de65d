# only
# comments
# before
42
# and after
