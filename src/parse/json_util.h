/*
 * json_util.h
 *		cJSON type tests as macros, shared by the pure-C readers of JSON
 *		documents (feed_*.c, transceivers_parse.c, the GeoJSON reader).
 *
 * cJSON's cJSON_IsString() and friends are function calls that also test
 * for NULL; the readers call them for every value of every record, on
 * values that are never NULL, so these read the type byte directly.
 * Pure C + cJSON, no Postgres headers.
 */
#ifndef VATSIM_JSON_UTIL_H
#define VATSIM_JSON_UTIL_H

#include <cjson/cJSON.h>

#define JTYPE(v)		((v)->type & 0xFF)
#define J_IS_NULL(v)	(JTYPE(v) == cJSON_NULL)
#define J_IS_NUMBER(v)	(JTYPE(v) == cJSON_Number)
#define J_IS_STRING(v)	(JTYPE(v) == cJSON_String)
#define J_IS_ARRAY(v)	(JTYPE(v) == cJSON_Array)
#define J_IS_OBJECT(v)	(JTYPE(v) == cJSON_Object)
#define J_IS_BOOL(v)	(JTYPE(v) == cJSON_True || JTYPE(v) == cJSON_False)

#endif							/* VATSIM_JSON_UTIL_H */
