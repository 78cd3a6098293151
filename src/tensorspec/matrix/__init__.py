"""The release matrix's tools: ``tensorspec bisect`` finds the exact release where a truth changed."""
