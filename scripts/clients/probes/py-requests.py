# A Python script with requests: raise_for_status() turns an HTTP error status into an exception.
import sys

import requests

r = requests.get(sys.argv[1], timeout=float(sys.argv[2]) if len(sys.argv) > 2 else 2)
r.raise_for_status()
