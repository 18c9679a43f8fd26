"""Report data to files: IPTT and SF-PPR-B workbooks, CSV results and IATI XML. Takes plain data, returns bytes."""
