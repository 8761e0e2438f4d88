/*
 * contacts.c
 *		ATC contacts: which flights are tuned to which controller sessions, snapshot by snapshot (not built yet)
 */
#include "postgres.h"

#include "analytics.h"

void
vi_contacts_process(const AnalyticsInput *in)
{
}
