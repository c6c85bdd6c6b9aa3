// Generated from docs/openapi/*.json by generate.py in this folder: do not edit, run it again.

/// The OpenAPI descriptions in docs/openapi/, served by the services they describe at `/v1/openapi.json`.
public enum APIDescriptions {
    /// docs/openapi/intake.json
    public static let intake = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Iblagh intake: the JSON API",
    "version": "1",
    "summary": "Report online crime over HTTP, follow the report, add evidence.",
    "description": "The JSON door of `iblagh-intake` (the bus API for integrators is in Shared/IblaghSchemas/PROTOCOL.md). A report is answered `201` with its tracking id and receipt secret only once it is committed to disk with its hand-off to the router and the tracker; otherwise every wrong field is named in one `422` problem and nothing is stored. Errors are RFC 9457 problems (`application/problem+json`); no error ever echoes a submitted value. Each client address may submit 30 reports or files a minute (10 at once) and look up 20 statuses a minute by default (`intake.rateLimit.*`, `intake.statusLimit.perMinute`)."
  },
  "servers": [
    {
      "url": "http://127.0.0.1:8080",
      "description": "the local stack (deploy/local/run.sh)"
    }
  ],
  "paths": {
    "/v1/reports": {
      "post": {
        "operationId": "submitReport",
        "summary": "Submit a report",
        "parameters": [
          {
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "description": "Your own id for this report, 1 to 128 printable ASCII characters without spaces: a retry with the same key and the same report answers 200 with the same tracking id and receipt secret, and stores nothing new. The key sent with a different report is refused (422, `reused`).",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 128,
              "pattern": "^[!-~]+$"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "description": "At most 64 KiB; evidence files go separately (`/v1/reports/{tracking}/evidence`).",
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Report"
              },
              "examples": {
                "anonymous": {
                  "summary": "An anonymous report",
                  "value": {
                    "category": "sextortion",
                    "description": "Someone threatens to publish photos of me unless I pay.",
                    "occurred_at": "2026-11-02T21:00:00Z",
                    "residence": "Kénitra",
                    "residence_country": "MA",
                    "victim_is_minor": false,
                    "reported_accounts": [
                      {
                        "kind": "social_media_account",
                        "value": "@extorter",
                        "platform": "instagram"
                      }
                    ],
                    "reporter": null,
                    "preferred_language": "fr"
                  }
                },
                "identified": {
                  "summary": "A reporter who wants to be contacted",
                  "value": {
                    "category": "fraud",
                    "description": "A fake shop took my money.",
                    "residence": "القنيطرة",
                    "reported_accounts": [
                      {
                        "kind": "url",
                        "value": "https://fake-shop.example/"
                      }
                    ],
                    "reporter": {
                      "full_name": "Amina B.",
                      "phone": "+212600000000"
                    },
                    "preferred_language": "ar"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Accepted: committed to disk and handed on.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Accepted"
                }
              }
            },
            "links": {
              "followReport": {
                "$ref": "#/components/links/followReport"
              },
              "addEvidence": {
                "$ref": "#/components/links/addEvidence"
              }
            }
          },
          "200": {
            "description": "A retry of a report already accepted under this Idempotency-Key: the same answer, `duplicate` true.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Accepted"
                }
              }
            },
            "links": {
              "followReport": {
                "$ref": "#/components/links/followReport"
              },
              "addEvidence": {
                "$ref": "#/components/links/addEvidence"
              }
            }
          },
          "408": {
            "description": "The body arrived too slowly (`urn:iblagh:problem:too-slow`); nothing was stored.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "413": {
            "description": "The body is over 64 KiB (`too-large`).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "415": {
            "description": "The body is not `application/json` (`unsupported-media-type`).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "422": {
            "description": "Not a valid report (`invalid-report`): `violations` names every wrong field; nothing was stored. An `Idempotency-Key` already used for a different report is one of them (`Idempotency-Key`, code `reused`).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "429": {
            "description": "Too many submissions from this address (`rate-limited`).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 1
                }
              }
            }
          },
          "503": {
            "description": "The store is full just now (`storage-full`); nothing was stored. Retry later with the same Idempotency-Key.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 1
                }
              }
            }
          }
        }
      }
    },
    "/v1/reports/{tracking}": {
      "get": {
        "operationId": "followReport",
        "summary": "The reporter's view of the report",
        "parameters": [
          {
            "name": "tracking",
            "in": "path",
            "required": true,
            "description": "The report's tracking id, as the submission answered it.",
            "schema": {
              "$ref": "#/components/schemas/TrackingID"
            }
          },
          {
            "name": "Iblagh-Receipt-Secret",
            "in": "header",
            "required": true,
            "description": "The receipt secret the submission answered. A wrong secret and an unknown tracking id get the same 404, in about the same time.",
            "schema": {
              "type": "string",
              "pattern": "^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$",
              "examples": [
                "K100F-32QKF-RYAZ5-MYKN6"
              ]
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The case's steps so far, as the later stages report them.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CaseStatus"
                }
              }
            }
          },
          "404": {
            "description": "No report matches this tracking id and receipt secret (`not-found`).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "429": {
            "description": "Too many lookups from this address (`rate-limited`).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 1
                }
              }
            }
          }
        }
      }
    },
    "/v1/reports/{tracking}/evidence": {
      "post": {
        "operationId": "addEvidence",
        "summary": "Add an evidence file to a report",
        "description": "The body is the file itself. It is hashed (SHA-256) and sealed as it arrives, never written in clear; nothing is stored until the whole file is in and its first bytes match its type. A file whose hash is on the configured known-material list is quarantined: kept, but never shown to staff.",
        "parameters": [
          {
            "name": "tracking",
            "in": "path",
            "required": true,
            "description": "The report's tracking id, as the submission answered it.",
            "schema": {
              "$ref": "#/components/schemas/TrackingID"
            }
          },
          {
            "name": "Iblagh-Receipt-Secret",
            "in": "header",
            "required": true,
            "description": "The receipt secret the submission answered. A wrong secret and an unknown tracking id get the same 404, in about the same time.",
            "schema": {
              "type": "string",
              "pattern": "^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$",
              "examples": [
                "K100F-32QKF-RYAZ5-MYKN6"
              ]
            }
          },
          {
            "name": "Iblagh-File-Name",
            "in": "header",
            "required": true,
            "description": "The file's name, percent-encoded (UTF-8), at most 255 bytes.",
            "schema": {
              "type": "string",
              "minLength": 1
            }
          }
        ],
        "requestBody": {
          "required": true,
          "description": "At most `intake.evidence.maxMiB` (20 MiB by default); at most 5 files per report.",
          "content": {
            "application/pdf": {
              "schema": {
                "type": "string",
                "contentMediaType": "application/pdf"
              }
            },
            "audio/mpeg": {
              "schema": {
                "type": "string",
                "contentMediaType": "audio/mpeg"
              }
            },
            "audio/ogg": {
              "schema": {
                "type": "string",
                "contentMediaType": "audio/ogg"
              }
            },
            "image/gif": {
              "schema": {
                "type": "string",
                "contentMediaType": "image/gif"
              }
            },
            "image/jpeg": {
              "schema": {
                "type": "string",
                "contentMediaType": "image/jpeg"
              }
            },
            "image/png": {
              "schema": {
                "type": "string",
                "contentMediaType": "image/png"
              }
            },
            "image/webp": {
              "schema": {
                "type": "string",
                "contentMediaType": "image/webp"
              }
            },
            "text/plain": {
              "schema": {
                "type": "string",
                "contentMediaType": "text/plain"
              }
            },
            "video/mp4": {
              "schema": {
                "type": "string",
                "contentMediaType": "video/mp4"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Stored, sealed.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/EvidenceReceipt"
                }
              }
            }
          },
          "404": {
            "description": "No report matches this tracking id and receipt secret (`not-found`).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "408": {
            "description": "The body arrived too slowly (`too-slow`); nothing was stored.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "The report already has as many files as it may (`too-many-files`).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "413": {
            "description": "The file is too large (`too-large`); nothing was stored.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "415": {
            "description": "The type is not one accepted (`forbidden-type`).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "422": {
            "description": "The file is not acceptable: a bad name, or contents that do not match its type (`invalid-evidence`).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "429": {
            "description": "Too many uploads from this address (`rate-limited`).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 1
                }
              }
            }
          },
          "503": {
            "description": "The store is full just now (`storage-full`); nothing was stored.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            },
            "headers": {
              "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {
                  "type": "integer",
                  "minimum": 1
                }
              }
            }
          }
        }
      }
    },
    "/healthz": {
      "get": {
        "operationId": "health",
        "summary": "The process runs",
        "responses": {
          "200": {
            "description": "`ok`",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/readyz": {
      "get": {
        "operationId": "ready",
        "summary": "It can do its work",
        "responses": {
          "200": {
            "description": "`ready`",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "503": {
            "description": "`not ready`, then one line per problem (a store that does not answer, an upstream that refuses its key).",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics",
        "summary": "Prometheus metrics (docs/operations.md#reading-the-metrics)",
        "responses": {
          "200": {
            "description": "Prometheus text format 0.0.4",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/v1/openapi.json": {
      "get": {
        "operationId": "apiDescription",
        "summary": "This description, as the running service has it",
        "responses": {
          "200": {
            "description": "OpenAPI 3.1",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    }
  },
  "components": {
    "schemas": {
      "TrackingID": {
        "type": "string",
        "pattern": "^IBL-[0-9]{4}-[0-9A-HJKMNP-TV-Z]{12}$",
        "examples": [
          "IBL-2026-TWPW897A3DBZ"
        ]
      },
      "Report": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "category",
          "description",
          "residence",
          "preferred_language"
        ],
        "properties": {
          "category": {
            "type": "string",
            "enum": [
              "child_sexual_exploitation_material",
              "fraud",
              "incitement_to_violence",
              "minors_rights_violation",
              "other_cybercrime",
              "sextortion",
              "terrorism_praise_or_incitement"
            ]
          },
          "description": {
            "type": "string",
            "maxLength": 10000,
            "description": "What happened, in any language: at least one character that is not a space; line breaks and tabs allowed, other control characters not. maxLength counts Unicode code points.",
            "pattern": "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"
          },
          "occurred_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time",
            "description": "When it happened, as RFC 3339 (fractional seconds allowed, an offset or Z required): not in the future (5 minutes of clock skew allowed), not before 1990.",
            "pattern": "^(199[0-9]|[2-9][0-9]{3})-"
          },
          "residence": {
            "type": "string",
            "maxLength": 200,
            "description": "Where the reporter lives (city, province or prefecture), in Arabic or Latin script: it decides the competent police unit. At least one character that is not a space; no control characters.",
            "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
          },
          "residence_country": {
            "type": [
              "string",
              "null"
            ],
            "pattern": "^([A-Z]{2})?$",
            "description": "ISO 3166 code, when not Morocco (absent, null or empty: Morocco)."
          },
          "victim_is_minor": {
            "type": [
              "boolean",
              "null"
            ],
            "default": false,
            "description": "Makes the case urgent (absent or null: false)."
          },
          "reported_accounts": {
            "type": [
              "array",
              "null"
            ],
            "maxItems": 20,
            "items": {
              "$ref": "#/components/schemas/ReportedAccount"
            },
            "description": "Accounts, pages, URLs, phone numbers reported: a report naming one already reported joins its case."
          },
          "reporter": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Reporter"
              },
              {
                "type": "null"
              }
            ],
            "description": "Absent or null: anonymous."
          },
          "preferred_language": {
            "type": "string",
            "enum": [
              "ar",
              "en",
              "es",
              "fr"
            ]
          }
        }
      },
      "ReportedAccount": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "kind",
          "value"
        ],
        "properties": {
          "kind": {
            "type": "string",
            "enum": [
              "email_address",
              "other",
              "phone_number",
              "social_media_account",
              "url"
            ]
          },
          "value": {
            "type": "string",
            "maxLength": 2048,
            "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
          },
          "platform": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 64,
            "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*$"
          }
        }
      },
      "Reporter": {
        "type": "object",
        "additionalProperties": false,
        "description": "Who to contact: an e-mail address or a phone number at least. Lengths count Unicode code points.",
        "properties": {
          "full_name": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 200,
            "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*$"
          },
          "email": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 254,
            "pattern": "^$|^[^@\\s\\u0000-\\u001F\\u007F-\\u009F]+@[^@\\s\\u0000-\\u001F\\u007F-\\u009F.][^@\\s\\u0000-\\u001F\\u007F-\\u009F]*\\.[^@\\s\\u0000-\\u001F\\u007F-\\u009F]*[^@\\s\\u0000-\\u001F\\u007F-\\u009F.]$",
            "description": "An address with one @ and a dot in its domain, no spaces or control characters (empty or null: none)."
          },
          "phone": {
            "type": [
              "string",
              "null"
            ],
            "description": "6 to 15 digits, with + and the country code if abroad; spaces, dots, dashes and brackets allowed (empty or null: none).",
            "pattern": "^$|^\\+?[ ().-]*([0-9][ ().-]*){6,15}$"
          }
        },
        "anyOf": [
          {
            "required": [
              "email"
            ],
            "properties": {
              "email": {
                "type": "string",
                "minLength": 1
              }
            }
          },
          {
            "required": [
              "phone"
            ],
            "properties": {
              "phone": {
                "type": "string",
                "minLength": 1
              }
            }
          }
        ]
      },
      "Accepted": {
        "type": "object",
        "required": [
          "tracking_id",
          "receipt_secret",
          "duplicate"
        ],
        "properties": {
          "tracking_id": {
            "$ref": "#/components/schemas/TrackingID"
          },
          "receipt_secret": {
            "type": "string",
            "description": "Shown once, stored only as a memory-hard hash: with the tracking id it opens the report's status."
          },
          "duplicate": {
            "type": "boolean",
            "description": "true when this answers a retry of a report already accepted."
          }
        }
      },
      "CaseStatus": {
        "type": "object",
        "required": [
          "tracking_id",
          "status",
          "category",
          "submitted_at",
          "steps",
          "reporters_in_bundle"
        ],
        "properties": {
          "tracking_id": {
            "$ref": "#/components/schemas/TrackingID"
          },
          "status": {
            "$ref": "#/components/schemas/Step/properties/step"
          },
          "category": {
            "$ref": "#/components/schemas/Report/properties/category"
          },
          "submitted_at": {
            "type": "string",
            "format": "date-time"
          },
          "steps": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Step"
            }
          },
          "reporters_in_bundle": {
            "type": "integer",
            "minimum": 1,
            "description": "How many people reported the same accounts."
          }
        }
      },
      "Step": {
        "type": "object",
        "required": [
          "step",
          "at"
        ],
        "properties": {
          "step": {
            "type": "string",
            "enum": [
              "received",
              "with_police",
              "under_investigation",
              "before_court",
              "judged",
              "closed"
            ]
          },
          "at": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "EvidenceReceipt": {
        "type": "object",
        "required": [
          "sha256",
          "size"
        ],
        "properties": {
          "sha256": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$",
            "description": "The file's hash as received: the reporter can check it."
          },
          "size": {
            "type": "integer",
            "minimum": 1
          }
        }
      },
      "Problem": {
        "type": "object",
        "required": [
          "type",
          "title",
          "status",
          "detail"
        ],
        "properties": {
          "type": {
            "type": "string",
            "description": "urn:iblagh:problem:CODE, CODE as each response says."
          },
          "title": {
            "type": "string"
          },
          "status": {
            "type": "integer"
          },
          "detail": {
            "type": "string",
            "description": "For a person; never a submitted value."
          },
          "violations": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/FieldViolation"
            }
          }
        }
      },
      "FieldViolation": {
        "type": "object",
        "required": [
          "field",
          "code",
          "reason"
        ],
        "properties": {
          "field": {
            "type": "string",
            "examples": [
              "reported_accounts[0].kind"
            ]
          },
          "code": {
            "type": "string",
            "description": "What is wrong: required, invalid, too_long, too_many, too_large, unknown (a field that is not part of a report), in_future, malformed (not JSON), forbidden_type, …"
          },
          "reason": {
            "type": "string"
          }
        }
      }
    },
    "links": {
      "followReport": {
        "operationId": "followReport",
        "description": "The report's status, with the tracking id and receipt secret just answered.",
        "parameters": {
          "path.tracking": "$response.body#/tracking_id",
          "header.Iblagh-Receipt-Secret": "$response.body#/receipt_secret"
        }
      },
      "addEvidence": {
        "operationId": "addEvidence",
        "description": "A file for the report, with the tracking id and receipt secret just answered.",
        "parameters": {
          "path.tracking": "$response.body#/tracking_id",
          "header.Iblagh-Receipt-Secret": "$response.body#/receipt_secret"
        }
      }
    }
  }
}
"""#
    /// docs/openapi/statistics.json
    public static let statistics = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Iblagh statistics: the public figures",
    "version": "1",
    "summary": "The annual report, the funnel from report to prosecution, and the time each step takes.",
    "description": "What `iblagh-statistics` publishes from the anonymised facts the tracker sends it: never a person, a tracking id or a text. Public figures hide every count below the suppression threshold (`statistics.suppressionThreshold`, 5 by default) as `null`, and figures from which one could be worked out; `internal=1` with the operator key gives them all."
  },
  "servers": [
    {
      "url": "http://127.0.0.1:8502",
      "description": "the local stack (deploy/local/run.sh)"
    }
  ],
  "paths": {
    "/v1/reports/annual": {
      "get": {
        "operationId": "annualReport",
        "summary": "Cases and persons prosecuted per category, region and prosecution office, each category's share, and the change on the year before",
        "parameters": [
          {
            "name": "year",
            "in": "query",
            "required": false,
            "description": "The year the cases were reported in (UTC); this year by default.",
            "schema": {
              "type": "integer",
              "minimum": 1990,
              "maximum": 2200
            }
          },
          {
            "name": "format",
            "in": "query",
            "required": false,
            "schema": {
              "type": "string",
              "enum": [
                "json",
                "csv",
                "html"
              ],
              "default": "json"
            }
          },
          {
            "name": "lang",
            "in": "query",
            "required": false,
            "description": "The HTML page's language; else the browser's (Accept-Language) among the four, else Arabic.",
            "schema": {
              "type": "string",
              "enum": [
                "ar",
                "en",
                "es",
                "fr"
              ]
            }
          },
          {
            "name": "internal",
            "in": "query",
            "required": false,
            "description": "1: the internal report, no count suppressed; needs the operator key in Iblagh-Operator-Key.",
            "schema": {
              "type": "string",
              "enum": [
                "1"
              ]
            }
          },
          {
            "name": "Iblagh-Operator-Key",
            "in": "header",
            "required": false,
            "description": "The operator key (statistics.operatorKey), with internal=1.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The report.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AnnualReport"
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string"
                },
                "description": "A header line, then one line per figure: section (total, category, region, office), name, cases, persons_prosecuted, share_percent, change_percent; a hidden figure is an empty field."
              },
              "text/html": {
                "schema": {
                  "type": "string"
                },
                "description": "The page with its charts (SVG), no script."
              }
            }
          },
          "400": {
            "description": "A parameter is wrong (a year out of range, an unknown format, category or language, `internal` other than 1): the message says which.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "403": {
            "description": "internal=1 without the right operator key.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/reports/funnel": {
      "get": {
        "operationId": "funnel",
        "summary": "How many of a year's cases reached each stage, and the share of the stage before",
        "parameters": [
          {
            "name": "year",
            "in": "query",
            "required": false,
            "description": "The year the cases were reported in (UTC); this year by default.",
            "schema": {
              "type": "integer",
              "minimum": 1990,
              "maximum": 2200
            }
          },
          {
            "name": "category",
            "in": "query",
            "required": false,
            "schema": {
              "$ref": "#/components/schemas/Category"
            }
          },
          {
            "name": "region",
            "in": "query",
            "required": false,
            "description": "A region code of the reference data, such as 04.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "internal",
            "in": "query",
            "required": false,
            "description": "1: the internal report, no count suppressed; needs the operator key in Iblagh-Operator-Key.",
            "schema": {
              "type": "string",
              "enum": [
                "1"
              ]
            }
          },
          {
            "name": "Iblagh-Operator-Key",
            "in": "header",
            "required": false,
            "description": "The operator key (statistics.operatorKey), with internal=1.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The funnel.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Funnel"
                }
              }
            }
          },
          "400": {
            "description": "A parameter is wrong (a year out of range, an unknown format, category or language, `internal` other than 1): the message says which.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "403": {
            "description": "internal=1 without the right operator key.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/reports/times": {
      "get": {
        "operationId": "times",
        "summary": "Hours from report to acknowledgement, contact, referral and judgment: median and 90th percentile, per region and priority",
        "parameters": [
          {
            "name": "year",
            "in": "query",
            "required": false,
            "description": "The year the cases were reported in (UTC); this year by default.",
            "schema": {
              "type": "integer",
              "minimum": 1990,
              "maximum": 2200
            }
          },
          {
            "name": "internal",
            "in": "query",
            "required": false,
            "description": "1: the internal report, no count suppressed; needs the operator key in Iblagh-Operator-Key.",
            "schema": {
              "type": "string",
              "enum": [
                "1"
              ]
            }
          },
          {
            "name": "Iblagh-Operator-Key",
            "in": "header",
            "required": false,
            "description": "The operator key (statistics.operatorKey), with internal=1.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The figures.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TimeFigures"
                }
              }
            }
          },
          "400": {
            "description": "A parameter is wrong (a year out of range, an unknown format, category or language, `internal` other than 1): the message says which.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "403": {
            "description": "internal=1 without the right operator key.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/": {
      "get": {
        "operationId": "page",
        "summary": "This year's report as a page (the annual report's HTML)",
        "parameters": [
          {
            "name": "lang",
            "in": "query",
            "required": false,
            "description": "The HTML page's language; else the browser's (Accept-Language) among the four, else Arabic.",
            "schema": {
              "type": "string",
              "enum": [
                "ar",
                "en",
                "es",
                "fr"
              ]
            }
          }
        ],
        "responses": {
          "200": {
            "description": "HTML",
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "description": "`lang` is not one of the four languages: the message says so.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/static/statistics.css": {
      "get": {
        "operationId": "style",
        "summary": "The page's style sheet",
        "responses": {
          "200": {
            "description": "CSS",
            "content": {
              "text/css": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/healthz": {
      "get": {
        "operationId": "health",
        "summary": "The process runs",
        "responses": {
          "200": {
            "description": "`ok`",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/readyz": {
      "get": {
        "operationId": "ready",
        "summary": "It can do its work",
        "responses": {
          "200": {
            "description": "`ready`",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "503": {
            "description": "`not ready`, then one line per problem.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics",
        "summary": "Prometheus metrics",
        "responses": {
          "200": {
            "description": "Prometheus text format 0.0.4",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        }
      }
    },
    "/v1/openapi.json": {
      "get": {
        "operationId": "apiDescription",
        "summary": "This description, as the running service has it",
        "responses": {
          "200": {
            "description": "OpenAPI 3.1",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    }
  },
  "components": {
    "schemas": {
      "Category": {
        "type": "string",
        "enum": [
          "child_sexual_exploitation_material",
          "fraud",
          "incitement_to_violence",
          "minors_rights_violation",
          "other_cybercrime",
          "sextortion",
          "terrorism_praise_or_incitement"
        ]
      },
      "AnnualReport": {
        "type": "object",
        "required": [
          "year",
          "suppression_threshold",
          "rounding",
          "total_cases",
          "total_persons_prosecuted",
          "by_category",
          "by_region",
          "by_office"
        ],
        "properties": {
          "year": {
            "type": "integer"
          },
          "suppression_threshold": {
            "type": [
              "integer",
              "null"
            ],
            "description": "Counts below it are null; null in the internal report."
          },
          "rounding": {
            "type": "string"
          },
          "total_cases": {
            "type": [
              "integer",
              "null"
            ],
            "description": "null when below the suppression threshold (hidden, not absent)."
          },
          "total_persons_prosecuted": {
            "type": [
              "integer",
              "null"
            ],
            "description": "null when below the suppression threshold (hidden, not absent)."
          },
          "by_category": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Line"
            },
            "description": "Every category, reported in that year or not."
          },
          "by_region": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Line"
            }
          },
          "by_office": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Line"
            }
          }
        }
      },
      "Line": {
        "type": "object",
        "required": [
          "name",
          "cases",
          "persons_prosecuted",
          "share_percent",
          "change_percent"
        ],
        "properties": {
          "name": {
            "type": "string",
            "description": "A category, a region code or a prosecution office's id."
          },
          "cases": {
            "type": [
              "integer",
              "null"
            ],
            "description": "null when below the suppression threshold (hidden, not absent)."
          },
          "persons_prosecuted": {
            "type": [
              "integer",
              "null"
            ],
            "description": "null when below the suppression threshold (hidden, not absent)."
          },
          "share_percent": {
            "type": [
              "number",
              "null"
            ],
            "description": "Its share of the year's cases, in percent, one decimal."
          },
          "change_percent": {
            "type": [
              "number",
              "null"
            ],
            "description": "The change on the year before, in percent; null when there is no year before to compare with."
          }
        }
      },
      "Funnel": {
        "type": "object",
        "required": [
          "year",
          "stages"
        ],
        "properties": {
          "year": {
            "type": "integer"
          },
          "category": {
            "$ref": "#/components/schemas/Category"
          },
          "region": {
            "type": "string"
          },
          "suppression_threshold": {
            "type": "integer",
            "description": "Absent in the internal report."
          },
          "stages": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/FunnelStage"
            }
          }
        }
      },
      "FunnelStage": {
        "type": "object",
        "required": [
          "stage",
          "count",
          "conversion_percent"
        ],
        "properties": {
          "stage": {
            "type": "string",
            "enum": [
              "reports",
              "routed",
              "acknowledged",
              "complainant_contacted",
              "under_investigation",
              "referred",
              "prosecuted",
              "convicted"
            ],
            "description": "A case counts at every stage up to the furthest it reached; convicted: the prosecuted cases with a person convicted."
          },
          "count": {
            "type": [
              "integer",
              "null"
            ],
            "description": "null when below the suppression threshold (hidden, not absent)."
          },
          "conversion_percent": {
            "type": [
              "number",
              "null"
            ],
            "description": "Its count as a share of the stage before's, in percent."
          }
        }
      },
      "TimeFigures": {
        "type": "object",
        "required": [
          "year",
          "figures"
        ],
        "properties": {
          "year": {
            "type": "integer"
          },
          "suppression_threshold": {
            "type": "integer",
            "description": "Absent in the internal report."
          },
          "figures": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/TimeFigure"
            }
          }
        }
      },
      "TimeFigure": {
        "type": "object",
        "required": [
          "region",
          "priority",
          "measure",
          "cases",
          "median_hours",
          "p90_hours"
        ],
        "properties": {
          "region": {
            "type": "string",
            "description": "A region code, or unknown."
          },
          "priority": {
            "type": "string",
            "enum": [
              "normal",
              "urgent"
            ]
          },
          "measure": {
            "type": "string",
            "enum": [
              "to_acknowledgement",
              "to_contact",
              "to_referral",
              "to_judgment"
            ],
            "description": "From the report to that step."
          },
          "cases": {
            "type": [
              "integer",
              "null"
            ],
            "description": "null when below the suppression threshold (hidden, not absent)."
          },
          "median_hours": {
            "type": [
              "number",
              "null"
            ]
          },
          "p90_hours": {
            "type": [
              "number",
              "null"
            ]
          }
        }
      },
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "properties": {
          "error": {
            "type": "object",
            "required": [
              "message"
            ],
            "properties": {
              "message": {
                "type": "string"
              }
            }
          }
        }
      }
    }
  }
}
"""#
}
