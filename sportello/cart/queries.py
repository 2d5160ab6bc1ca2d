def cart_counts(request) -> dict:
    return {"purchase": 0, "quote": 0}
