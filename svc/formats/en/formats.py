"""English formats for a Swedish site: times on the 24-hour clock, as the Swedish pages and
the people reading them write them ("Feb. 23, 2015, 17:05"), never "5:05 p.m." (whose own
full stop doubled the sentence's: "p.m..")."""

DATETIME_FORMAT = "N j, Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATETIME_FORMAT = "m/d/Y H:i"
