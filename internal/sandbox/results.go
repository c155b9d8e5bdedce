package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The sandbox's test user, who approves every request. Invented: not a
// real person.
const (
	TestUserSSN     = "190001019876"
	TestUserCountry = "SE"
	TestUserEmail   = "test.user@example.org"
	TestUserPhone   = "+46700000000"
	TestUserName    = "Test"
	TestUserSurname = "User"
	testUserBirth   = "1900-01-01"
)

// Result is one result object as getOneResult and getResults return it.
type Result struct {
	AuthRef             string         `json:"authRef,omitempty"`
	SignRef             string         `json:"signRef,omitempty"`
	Status              string         `json:"status"`
	Details             string         `json:"details,omitempty"`
	RequestedAttributes map[string]any `json:"requestedAttributes,omitempty"`
}

// approval is a validated request, approved by the test user at a time.
type approval struct {
	userInfoType, userInfo, minLevel string
	email, phone, ssn, country       string
	attrs                            map[string]any
	at                               time.Time
}

// newApproval validates what both services share: the user, the minimum
// registration level and the attributes to return.
func newApproval(infoType, info, minLevel string, attrs []attributeRequest, k *kind, now time.Time) (*approval, *FrejaError) {
	a := &approval{userInfoType: infoType, userInfo: info, minLevel: minLevel, at: now,
		email: TestUserEmail, phone: TestUserPhone, ssn: TestUserSSN, country: TestUserCountry}
	switch infoType {
	case "EMAIL", "PHONE":
		if !validInfo(info) || (infoType == "EMAIL" && !strings.Contains(info, "@")) {
			return nil, errUserInfo
		}
		if infoType == "EMAIL" {
			a.email = info
		} else {
			a.phone = info
		}
	case "SSN":
		var s struct{ Country, SSN string }
		d, ok := decodeBase64(info)
		if !validInfo(info) || !ok || json.Unmarshal(d, &s) != nil || s.Country == "" || s.SSN == "" {
			return nil, errUserInfo
		}
		a.ssn, a.country = s.SSN, s.Country
	case "INFERRED":
		a.userInfo = "N/A"
	default:
		return nil, errUserInfoType
	}
	switch minLevel {
	case "":
		a.minLevel = "BASIC"
	case "BASIC", "EXTENDED", "PLUS":
	default:
		return nil, errMinLevel
	}
	var e *FrejaError
	a.attrs, e = a.attributes(attrs, k.attrErr)
	return a, e
}

func validInfo(s string) bool {
	return s != "" && utf8.ValidString(s) && utf8.RuneCountInString(s) <= 256 && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 })
}

// attributes answers attributesToReturn with the test user's values.
func (a *approval) attributes(req []attributeRequest, invalid *FrejaError) (map[string]any, *FrejaError) {
	if len(req) == 0 {
		return nil, nil
	}
	level := "EXTENDED"
	if a.minLevel == "PLUS" {
		level = "PLUS"
	}
	out := make(map[string]any, len(req))
	for _, r := range req {
		switch r.Attribute {
		case "BASIC_USER_INFO":
			out["basicUserInfo"] = map[string]string{"name": TestUserName, "surname": TestUserSurname}
		case "EMAIL_ADDRESS":
			out["emailAddress"] = a.email
		case "ALL_EMAIL_ADDRESSES":
			out["allEmailAddresses"] = []map[string]string{{"email": a.email}}
		case "ALL_PHONE_NUMBERS":
			out["allPhoneNumbers"] = []map[string]string{{"phoneNumber": a.phone}}
		case "SSN":
			out["ssn"] = map[string]string{"ssn": a.ssn, "country": a.country}
		case "DATE_OF_BIRTH":
			out["dateOfBirth"] = testUserBirth
		case "AGE":
			born, _ := time.Parse(time.DateOnly, testUserBirth)
			age := a.at.Year() - born.Year()
			if a.at.YearDay() < born.YearDay() {
				age--
			}
			out["age"] = age
		case "REGISTRATION_LEVEL":
			out["registrationLevel"] = level
		case "RELYING_PARTY_USER_ID":
			sum := sha256.Sum256([]byte("caronboard sandbox " + a.country + a.ssn))
			out["relyingPartyUserId"] = fmt.Sprintf("%x", sum[:16])
		default:
			return nil, invalid
		}
	}
	return out, nil
}

// authPayload is the signed details of an authentication, in Freja's order.
type authPayload struct {
	AuthRef              string         `json:"authRef"`
	Status               string         `json:"status"`
	UserInfoType         string         `json:"userInfoType"`
	UserInfo             string         `json:"userInfo"`
	MinRegistrationLevel string         `json:"minRegistrationLevel"`
	RequestedAttributes  map[string]any `json:"requestedAttributes,omitempty"`
	Timestamp            int64          `json:"timestamp"`
}

// signPayload is the signed details of a signature, in Freja's order.
type signPayload struct {
	SignRef              string         `json:"signRef"`
	Status               string         `json:"status"`
	UserInfoType         string         `json:"userInfoType"`
	UserInfo             string         `json:"userInfo"`
	MinRegistrationLevel string         `json:"minRegistrationLevel"`
	RequestedAttributes  map[string]any `json:"requestedAttributes,omitempty"`
	Timestamp            int64          `json:"timestamp"`
	SignatureType        string         `json:"signatureType"`
	SignatureData        signatureData  `json:"signatureData"`
}

type signatureData struct {
	UserSignature     string `json:"userSignature"`
	CertificateStatus string `json:"certificateStatus"`
}

// approve signs the approved result's details and stores it; sig is nil
// for an authentication.
func (srv *Server) approve(k *kind, a *approval, sig *signPayload) (string, *FrejaError) {
	ref, err := newRef()
	if err != nil {
		return "", errInternal
	}
	var payload any = authPayload{ref, "APPROVED", a.userInfoType, a.userInfo, a.minLevel, a.attrs, a.at.UnixMilli()}
	if sig != nil {
		sig.SignRef, sig.Status, sig.UserInfoType, sig.UserInfo = ref, "APPROVED", a.userInfoType, a.userInfo
		sig.MinRegistrationLevel, sig.RequestedAttributes, sig.Timestamp = a.minLevel, a.attrs, a.at.UnixMilli()
		payload = sig
	}
	details, err := srv.sb.SignResult(payload)
	if err != nil {
		return "", errInternal
	}
	res := Result{Status: "APPROVED", Details: details, RequestedAttributes: a.attrs}
	if k == authKind {
		res.AuthRef = ref
	} else {
		res.SignRef = ref
	}
	srv.freja.add(k, ref, res)
	return ref, nil
}

// newRef makes a random reference like Freja's.
func newRef() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return b64url.EncodeToString(b[:]), nil
}

// maxResults bounds the results a server keeps; the oldest go first.
const maxResults = 1000

// store keeps the results of one server, in the order they were made.
type store struct {
	mu    sync.Mutex
	byRef map[string]*entry
	order []*entry
}

type entry struct {
	kind *kind
	ref  string
	res  Result
}

func newStore() *store { return &store{byRef: make(map[string]*entry)} }

func (s *store) add(k *kind, ref string, res Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.order) >= maxResults {
		delete(s.byRef, s.order[0].ref)
		s.order = s.order[1:]
	}
	e := &entry{k, ref, res}
	s.byRef[ref] = e
	s.order = append(s.order, e)
}

func (s *store) result(k *kind, ref string) (Result, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byRef[ref]
	if !ok || e.kind != k {
		return Result{}, false
	}
	return e.res, true
}

func (s *store) results(k *kind) []Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Result{}
	for _, e := range s.order {
		if e.kind == k {
			out = append(out, e.res)
		}
	}
	return out
}

// cancel marks a result as cancelled by the relying party (status
// RP_CANCELED, no details), unless it is unknown or already cancelled.
func (s *store) cancel(k *kind, ref string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byRef[ref]
	if !ok || e.kind != k || e.res.Status == "RP_CANCELED" {
		return false
	}
	e.res.Status, e.res.Details, e.res.RequestedAttributes = "RP_CANCELED", "", nil
	return true
}
