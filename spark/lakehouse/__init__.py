"""PySpark jobs of the lakehouse (silver layer and table maintenance)."""
