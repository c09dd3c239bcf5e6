# A Python script with requests: raise_for_status() turns an HTTP error status into an exception.
import sys

import requests

r = requests.get(sys.argv[1], timeout=2)
r.raise_for_status()
