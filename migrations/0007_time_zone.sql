-- The hospital's own time zone (setting `time_zone`, an IANA name).
-- Nothing changes in the schema: settings are key/value rows. After this
-- script the program pins a file that has no zone yet to the machine's zone,
-- the zone its dates and times were shown in until now.
SELECT 1;
