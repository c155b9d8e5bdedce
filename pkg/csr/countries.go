package csr

import (
	"fmt"
	"strings"
)

// isoCountries holds every officially assigned ISO 3166-1 alpha-2 code (249
// codes, as published by the ISO 3166 Maintenance Agency), one letter group
// per line, each code followed by a space.
const isoCountries = "" +
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ " +
	"EC EE EG EH ER ES ET " +
	"FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU " +
	"ID IE IL IM IN IO IQ IR IS IT " +
	"JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ " +
	"LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ " +
	"OM " +
	"PA PE PF PG PH PK PL PM PN PR PS PT PW PY " +
	"QA " +
	"RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
	"UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU " +
	"WF WS " +
	"YE YT " +
	"ZA ZM ZW "

// commonCountryMistakes maps codes people often type instead of the assigned
// one to the code they meant.
var commonCountryMistakes = map[string]string{
	"UK":  "GB", // United Kingdom
	"EL":  "GR", // Greece, as the EU writes it
	"SW":  "SE", // Sweden
	"SWE": "SE",
	"NOR": "NO",
	"DNK": "DK",
	"FIN": "FI",
	"ISL": "IS",
	"DEU": "DE",
	"GBR": "GB",
	"USA": "US",
}

// IsCountryCode reports whether code (upper case) is an officially assigned
// ISO 3166-1 alpha-2 code.
func IsCountryCode(code string) bool {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return false
	}
	return strings.Contains(" "+isoCountries, " "+code+" ")
}

// normalizeCountry upper-cases an ASCII country code and checks it against
// the ISO 3166-1 list.
func normalizeCountry(v string) (string, *FieldError) {
	up := strings.ToUpper(v)
	if IsCountryCode(up) {
		return up, nil
	}
	fe := &FieldError{Field: "C", Value: v,
		Reason: fmt.Sprintf("%q is not an ISO 3166-1 alpha-2 country code", v),
		Hint:   "use the two-letter code of the country the organisation is registered in, e.g. SE for Sweden",
	}
	if meant, ok := commonCountryMistakes[up]; ok {
		fe.Hint = fmt.Sprintf("did you mean %s? use the two-letter ISO code", meant)
	}
	return "", fe
}
