"""The platform operator's console: the consultancy that runs many organisations' programs."""
