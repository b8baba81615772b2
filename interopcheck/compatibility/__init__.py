"""Schema-version and profile compatibility: will the next version break a neighbour?"""
