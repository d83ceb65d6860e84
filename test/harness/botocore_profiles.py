"""Loads shared config/credentials file pairs with botocore's own loader and prints what it sees.

Reads a JSON list of {"config": path|null, "credentials": path|null} on stdin (one Python process for
a whole corpus) and prints a JSON list, one result per pair:
  {"config": [[name, values], ...], "ssoSessions": [...], "services": [...],
   "credentials": [[name, values], ...], "session": [[name, values], ...]}
or {"error": "ConfigParseError", "file": "config"|"credentials"} when botocore refuses a file.
"config"/"credentials" come from botocore.configloader (load_config, raw_config_parse);
"session" is botocore.session.Session(...).full_config["profiles"], which merges the credentials file
into the config profiles the way the AWS CLI and boto3 see them.
"""
import json
import os
import sys

import botocore.configloader as loader
import botocore.exceptions
import botocore.session


def pairs(mapping):
    return [[name, values] for name, values in mapping.items()]


def load(case):
    result = {}
    config = case.get("config") or "/nonexistent/rolegate-config"
    credentials = case.get("credentials") or "/nonexistent/rolegate-credentials"
    try:
        loaded = loader.load_config(config)
        result["config"] = pairs(loaded["profiles"])
        result["ssoSessions"] = pairs(loaded["sso_sessions"])
        result["services"] = pairs(loaded["services"])
    except botocore.exceptions.ConfigNotFound:
        result.update(config=[], ssoSessions=[], services=[])
    except botocore.exceptions.ConfigParseError:
        return {"error": "ConfigParseError", "file": "config"}
    try:
        result["credentials"] = pairs(loader.raw_config_parse(credentials))
    except botocore.exceptions.ConfigNotFound:
        result["credentials"] = []
    except botocore.exceptions.ConfigParseError:
        return {"error": "ConfigParseError", "file": "credentials"}
    os.environ["AWS_CONFIG_FILE"] = config
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = credentials
    session = botocore.session.Session()
    result["session"] = pairs(session.full_config["profiles"])
    return result


def main():
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    cases = json.load(sys.stdin)
    json.dump([load(case) for case in cases], sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
